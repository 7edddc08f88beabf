/** A client registration that cannot be accepted; `field` names the member at fault. */
export class ClientRegistrationError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** No client has the id asked for. */
export class UnknownClientError extends Error {
  constructor(readonly clientId: string) {
    super(`no client "${clientId}" is registered`);
  }
}
