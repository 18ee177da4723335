"""`rmis demo`: show what rmis can do end to end today."""


def demo() -> None:
    """Show what rmis can do end to end, on built-in examples."""
