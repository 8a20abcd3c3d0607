/** An account's DID (`did:plc:…`, `did:web:…`), as the AT Protocol writes it. */
export const DID_PATTERN = /^did:[a-z]+:[A-Za-z0-9._:%-]+$/;
export const MAX_DID_LENGTH = 2048;

export const isDid = (text: string): boolean => text.length <= MAX_DID_LENGTH && DID_PATTERN.test(text);
