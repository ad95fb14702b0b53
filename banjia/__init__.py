"""banjia (搬家): audit and migrate Python code from the OpenAI API to Chinese providers."""

__version__ = "0.1.0"
