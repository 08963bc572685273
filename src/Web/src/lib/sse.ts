// One Server-Sent Events block (the lines between two blank lines) read as the spec says: comments skipped, one
// optional space after the colon dropped, data lines kept apart for the caller to join.

export interface SseEvent {
  id: string | null;
  type: string;
  data: string[];
}

export function parseSseBlock(block: string): SseEvent {
  const event: SseEvent = { id: null, type: 'message', data: [] };
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = value;
    else if (field === 'event') event.type = value;
    else if (field === 'data') event.data.push(value);
  }
  return event;
}
