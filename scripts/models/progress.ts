/** The download progress bar: redrawn in place on a terminal, a line per 10 % otherwise (logs, CI). */

const MB = 1024 * 1024;

export function progressBar(received: number, total: number | undefined, width = 30): string {
  if (!total) return `${(received / MB).toFixed(1)} MB`;
  const share = Math.min(1, received / total);
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${(received / MB).toFixed(1)} / ${(total / MB).toFixed(1)} MB`;
}

export function progressReporter(write: (text: string) => void, tty: boolean): (received: number, total: number | undefined) => void {
  let lastTenth = -1;
  let lastDraw = 0;
  return (received, total) => {
    if (tty) {
      const now = Date.now();
      if (now - lastDraw < 100 && received !== total) return;
      lastDraw = now;
      write(`\r${progressBar(received, total)}${received === total ? '\n' : ''}`);
      return;
    }
    const tenth = total ? Math.floor((received / total) * 10) : Math.floor(received / (10 * MB));
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    write(`${progressBar(received, total)}\n`);
  };
}
