/** A command's failure with the exit status to end with; the message (if any) goes to stderr. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
