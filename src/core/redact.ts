// The one way a typed secret (a sudo password) is kept out of messages. Pure: no I/O.

/** `text` with every occurrence of `secret` replaced by `***` (nothing to hide when it is empty). */
export function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('***') : text;
}
