/** A problem starting the local cloud that a person can fix; printed as one line, without a stack trace. */
export class LocalCloudError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalCloudError';
  }
}
