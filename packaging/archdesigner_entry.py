"""Entry script of the frozen bundle: the same `archdesigner` command as the installed one
(subcommands run headless; no command, or design files as arguments, open the desktop app)."""

import multiprocessing

from archdesigner.cli import run

if __name__ == "__main__":
    multiprocessing.freeze_support()
    run()
