/**
 * txt-1 and txt-2 are `htmlChecks()`, a function FHIRPath leaves to the validator (and
 * @medplum/core answers true). These are the checks HL7's Java validator makes on Narrative.div:
 * an XHTML div, no active content, and some text or an image.
 */

const DIV_START = /^\s*<div(\s[^>]*)?>/;
const XHTML_NAMESPACE = /^\s*<div\s[^>]*xmlns\s*=\s*["']http:\/\/www\.w3\.org\/1999\/xhtml["']/;
/** Elements outside the narrative's permitted HTML subset (active or embedded content). */
const FORBIDDEN_ELEMENT = /<\s*(script|style|iframe|frame|frameset|object|embed|applet|form|input|button|select|textarea|base|link|meta|head|body|html)\b/i;
/** Event handler attributes (onclick...) are active content. */
const EVENT_ATTRIBUTE = /<[^>]*\son[a-z]+\s*=/i;

/** txt-1: the div is XHTML with only the permitted elements and attributes. */
export function narrativeHtmlIsValid(div: unknown): boolean {
  if (typeof div !== 'string') {
    return true; // the div's presence and type are other rules
  }
  return DIV_START.test(div) && XHTML_NAMESPACE.test(div) && !FORBIDDEN_ELEMENT.test(div) && !EVENT_ATTRIBUTE.test(div);
}

/** txt-2: the div has non-whitespace text or an image. */
export function narrativeHasContent(div: unknown): boolean {
  if (typeof div !== 'string') {
    return true;
  }
  if (/<img\b/i.test(div)) {
    return true;
  }
  const text = div.replace(/<[^>]*>/g, '').replace(/&nbsp;|&#160;/g, ' ');
  return /\S/.test(text);
}
