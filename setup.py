"""Packaging for pylint-rnn: a pylint plugin and a runtime verifier for TensorFlow RNN weight-sharing pitfalls."""
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py


class BuildWithRulePages(build_py):
    """Ships the rendered rule pages (docs/messages/<symbol>.md) as pylint_rnn/pages/: SARIF's rule help
    reads them in an installed package, where the docs folder does not exist."""

    def run(self):
        super().run()
        pages = Path(self.build_lib) / "pylint_rnn" / "pages"
        pages.mkdir(parents=True, exist_ok=True)
        for page in sorted(Path(__file__).parent.joinpath("docs", "messages").glob("*.md")):
            (pages / page.name).write_text(page.read_text(encoding="utf-8"), encoding="utf-8")


setup(
    name="pylint-rnn",
    version="0.1.0",
    description=(
        "Finds TensorFlow RNN weight-sharing pitfalls: a pylint plugin (static) "
        "and a runtime verifier that confirms them by building the graph."
    ),
    long_description=Path(__file__).with_name("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.9",
    packages=find_packages(include=["pylint_rnn", "pylint_rnn.*"]),
    package_data={"pylint_rnn": ["py.typed"]},
    cmdclass={"build_py": BuildWithRulePages},
    # The static half needs pylint and astroid only: it never imports TensorFlow.
    install_requires=["pylint>=3.2,<5", "astroid>=3.2,<5"],
    extras_require={
        # The runtime verifier (pylint_rnn.verify) builds the user's graph with real TensorFlow.
        # tf-keras provides the legacy (TF1) RNN cells under TF_USE_LEGACY_KERAS=1.
        "runtime": ["tensorflow-cpu>=2.16,<2.22", "tf-keras>=2.16,<2.22"],
        # The docs' tools, exercised as users run them: a real python-lsp-server over stdio, a real
        # pre-commit, `pip install .` of a copy of the clone (offline: setuptools and wheel, no build
        # isolation); jsonschema validates SARIF against the OASIS schema (tests/cli_inputs/).
        "test": [
            "pytest>=7", "hypothesis>=6.80", "python-lsp-server>=1.12", "pre-commit>=3.2", "jsonschema>=4",
            "setuptools>=64", "wheel",
        ],
    },
    entry_points={
        "console_scripts": [
            "pylint-rnn=pylint_rnn.cli:main",
            "pylint-rnn-verify=pylint_rnn.verify.cli:main",
        ],
    },
    classifiers=[
        "Framework :: Pylint",
        "Programming Language :: Python :: 3",
        "Topic :: Software Development :: Quality Assurance",
    ],
)
