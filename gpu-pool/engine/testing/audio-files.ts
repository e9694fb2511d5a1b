import { readFileSync } from 'node:fs';
import { readAudio } from '../audio/audio-file.ts';
import { toInt16 } from '../audio/pcm16.ts';
import { TESTDATA_DIR } from './test-data.ts';

/** Test/bench helper: a recording as 16-bit samples, as a client sends it (pcm_s16le). */
export interface AudioFile {
  samples: Int16Array;
  sampleRate: number;
}

export async function readAudioFile(path: string): Promise<AudioFile> {
  const { samples, sampleRate } = await readAudio(path);
  return { samples: toInt16(samples), sampleRate };
}

export { toBytes, toFloat, toInt16 } from '../audio/pcm16.ts';
export { TESTDATA_DIR } from './test-data.ts';

/** Every file of the real recordings (all_refs.tsv; callers check haveRealRecordings first) with its reference text. */
export function testdataFiles(root = TESTDATA_DIR): { path: string; reference: string }[] {
  const rows = readFileSync(`${root}/all_refs.tsv`, 'utf8').trim().split('\n').slice(1);
  return rows.map((r) => {
    const cols = r.split('\t');
    return { path: `${root}/${cols[0]}`, reference: cols[4] ?? '' };
  });
}
