// Whether Comet can be reached right now, as the whole UI shows it (the offline notice on every page).
export const connection = $state({ offline: false, since: null as number | null });

export function markOffline() {
  if (!connection.offline) {
    connection.offline = true;
    connection.since = Date.now();
  }
}

export function markOnline() {
  connection.offline = false;
  connection.since = null;
}
