"""``python -m tests.bench``: see :mod:`tests.bench.run`."""

from tests.bench.run import main

if __name__ == "__main__":
    main()
