"""Loading and saving design files."""

from archdesigner.io.errors import DesignError, Problem
from archdesigner.io.load import design_from_data, load_design, loads_design
from archdesigner.io.save import (
    atomic_write_bytes,
    atomic_write_text,
    design_to_data,
    dumps_design,
    save_design,
)

__all__ = [
    "DesignError",
    "Problem",
    "atomic_write_bytes",
    "atomic_write_text",
    "design_from_data",
    "design_to_data",
    "dumps_design",
    "load_design",
    "loads_design",
    "save_design",
]
