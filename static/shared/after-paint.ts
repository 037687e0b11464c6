/** Resolves once the next frame has been painted (at the latest after 100 ms: a hidden tab paints nothing). */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    const done = setTimeout(resolve, 100);
    if (typeof requestAnimationFrame !== 'function') return;
    requestAnimationFrame(() => {
      setTimeout(() => {
        clearTimeout(done);
        resolve();
      }, 0);
    });
  });
}
