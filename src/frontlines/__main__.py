"""``python -m frontlines ...``: the same commands as the ``frontlines`` script."""
from .cli import app

if __name__ == "__main__":
    app(prog_name="frontlines")
