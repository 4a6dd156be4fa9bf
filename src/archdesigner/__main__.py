"""python -m archdesigner"""

from archdesigner.cli import run

run()
