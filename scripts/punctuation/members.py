"""The command line shared by average.py and ensemble.py: model folders, each with a weight."""
import sys
from pathlib import Path


def add_member_args(ap):
    ap.add_argument("folders", nargs="+", help="exported models: folders holding model.onnx, vocab.txt and config.json")
    ap.add_argument("--weights", help="comma-separated, one per folder (default: equal)")
    ap.add_argument("--out", required=True)


def members(args):
    """The folders and their weights, normalised to sum to 1."""
    folders = [Path(f) for f in args.folders]
    weights = [float(w) for w in args.weights.split(",")] if args.weights else [1.0] * len(folders)
    if len(weights) != len(folders):
        sys.exit("one weight per folder")
    return folders, [w / sum(weights) for w in weights]
