"""archdesigner: design backend architectures and lint them for scalability and resilience."""

__version__ = "0.1.0"

__all__ = ["__version__"]
