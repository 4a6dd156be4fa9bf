"""One module per subcommand; see :mod:`archdesigner.cli`."""
