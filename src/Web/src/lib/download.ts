// Saving what was fetched with the access token (a log, an artifact): a plain link could not send the token.

export function saveBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has the bytes once the click is handled; the object URL is freed a little later to be safe.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
