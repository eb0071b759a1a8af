/** `{{key}}` replaced by values[key]; a key without a value is a mistake in the template. */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`demo template: no value for {{${key}}}`);
    return String(value);
  });
}
