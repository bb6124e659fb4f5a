from django.core.exceptions import ValidationError


def apply_validation_error(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def apply_validation_error_to(form, exc: ValidationError, *, field: str) -> None:
    """An upload's refusal belongs to the file field."""
    if hasattr(exc, "error_dict"):
        apply_validation_error(form, exc)
    else:
        for message in exc.messages:
            form.add_error(field, message)
