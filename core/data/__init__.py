"""Loading the lessons' data: real loaders (torchvision, CSV, text) with clear errors, and embedded defaults."""
