// Apart from the parser, so that reading stored parse results does not load it.
/** Changes whenever the parser's output for some file would: stored parse results are dropped. */
export const TODO_PARSER_VERSION = 2;
