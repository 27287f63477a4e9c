"""For the tests: a Python in which TensorFlow is not installed (its import is refused at every level)."""
import sys


class _NoTensorFlow:
    @staticmethod
    def find_spec(fullname, path=None, target=None):
        del path, target
        if fullname == "tensorflow" or fullname.startswith("tensorflow."):
            raise ModuleNotFoundError(f"No module named '{fullname}'", name=fullname)


sys.meta_path.insert(0, _NoTensorFlow())
