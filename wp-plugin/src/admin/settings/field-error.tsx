/** A refused field's message, under the field (the panel's error notice, which takes focus, lists it too). */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) {
    return null;
  }
  return (
    <p id={id} className="igny8-settings__field-error" role="alert">
      {message}
    </p>
  );
}
