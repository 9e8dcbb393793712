import { EventEmitter } from 'node:events';

/**
 * Jobs that ended (succeeded, failed for good, cancelled) in this process, by the request id they were started
 * with. A job that waits on other jobs (the automation driver) listens here to look again as soon as one of them
 * ends instead of at its next poll; jobs run by another worker process are not announced, so such a waiter keeps
 * polling as well.
 */
const emitter = new EventEmitter();
emitter.setMaxListeners(0);

export const jobEnds = {
  announce(requestId: string | undefined): void {
    if (requestId) emitter.emit(requestId);
  },

  /** Calls `listener` each time a job of `requestId` ends here; answers the function that stops listening. */
  listen(requestId: string, listener: () => void): () => void {
    emitter.on(requestId, listener);
    return () => emitter.off(requestId, listener);
  },
};
