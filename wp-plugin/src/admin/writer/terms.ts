/** "a, b ,c" -> ["a", "b", "c"]: category and tag names typed in one field. */
export const termList = (text: string): string[] =>
  text
    .split(',')
    .map((term) => term.trim())
    .filter((term) => term !== '');
