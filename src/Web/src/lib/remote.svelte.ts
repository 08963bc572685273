// What a page shows from the API: the answer, the failure in words, and whether the first answer came; every change
// reloads it, and a refused change shows the server's reason in the same place.
import { describe } from './api';

export class Remote<T> {
  value = $state() as T;
  error = $state('');
  loaded = $state(false);
  readonly #fetch: () => Promise<T>;

  constructor(fetch: () => Promise<T>, initial: T) {
    this.#fetch = fetch;
    this.value = initial;
  }

  load = async (): Promise<void> => {
    try {
      this.value = await this.#fetch();
      this.error = '';
    } catch (e) {
      this.error = describe(e);
    } finally {
      this.loaded = true;
    }
  };

  /** Makes a change, then reloads. Returns whether the change was accepted. */
  change = async (action: () => Promise<unknown>): Promise<boolean> => {
    const failure = await failureOf(action);
    if (failure) {
      this.error = failure;
      return false;
    }
    await this.load();
    return true;
  };
}

/** Runs an action and answers what went wrong in words, or '' when it worked (for a form's own error line). */
export async function failureOf(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
    return '';
  } catch (e) {
    return describe(e);
  }
}
