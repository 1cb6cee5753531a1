# Written by scripts/wheel from Cargo.toml: the crate's version is the package's.
__version__ = "0.1.0"
