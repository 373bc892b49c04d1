"""`python -m scanner` runs the aibom command line."""

from scanner.cli import main

if __name__ == "__main__":
    main()
