/**
 * Text put into a cell of a Markdown table in a job summary. A `|` ends the cell and a newline
 * ends the row, whatever is inside them, so every value from outside (a key, an error message, a
 * status from AWS) goes through one of these before it lands in a table.
 */

/** A value shown as inline code: GitHub reads `\|` as a literal pipe even inside a code span. */
export function codeCell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * Plain text: HTML-escaped (a summary renders inline HTML, so `<b>` in an error message would
 * become markup), the pipe as an entity, and line breaks kept as <br>.
 */
export function textCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/\r?\n/g, '<br>');
}
