# SPDX-License-Identifier: MIT
"""The wheel of sqlite_bce, built offline by `make wheel` from a staging
copy of this directory (build/python/), to which make adds the library
(sqlite_bce/bce.so), sqlite_bce/_version.py (from src/version.h), the
README and the LICENSE.

`make wheel` builds one wheel per platform, each from a staging copy of its
own (build/wheel/TAG/) with that platform's library (bce.so or bce.dll) and
sqlite_bce/_platform.py; BCE_WHEEL_TAG is the platform tag (linux_x86_64,
linux_aarch64, win_amd64).

The package holds a native library but no Python extension module, so
setuptools would call the wheel pure (py3-none-any); binary_distribution
says it is not, and platform_wheel tags it py3-none-TAG: any Python 3, no
Python ABI, this platform only.
"""
import os
import re

from setuptools import Distribution, setup
from wheel.bdist_wheel import bdist_wheel

HERE = os.path.dirname(os.path.abspath(__file__))
TAG = os.environ.get("BCE_WHEEL_TAG", "linux_x86_64")
OPERATING_SYSTEM = {
    "linux_x86_64": "Operating System :: POSIX :: Linux",
    "linux_aarch64": "Operating System :: POSIX :: Linux",
    "win_amd64": "Operating System :: Microsoft :: Windows",
}[TAG]


def version():
    with open(os.path.join(HERE, "sqlite_bce", "_version.py")) as f:
        return re.search(r'__version__ = "([^"]+)"', f.read()).group(1)


class binary_distribution(Distribution):
    """Has native code: the files go to the wheel's root, not .data/."""
    def has_ext_modules(self):
        return True


class platform_wheel(bdist_wheel):
    def get_tag(self):
        return ("py3", "none", TAG)


with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
    long_description = f.read()

setup(
    name="sqlite-bce",
    version=version(),
    description="Binary cross-entropy (log loss) for SQLite, as a loadable "
                "extension",
    long_description=long_description,
    long_description_content_type="text/markdown",
    license="MIT",
    packages=["sqlite_bce"],
    package_data={"sqlite_bce": ["bce.so", "bce.dll"]},
    include_package_data=False,
    python_requires=">=3.7",
    zip_safe=False,
    classifiers=[
        "License :: OSI Approved :: MIT License",
        OPERATING_SYSTEM,
        "Programming Language :: Python :: 3",
        "Topic :: Database",
    ],
    distclass=binary_distribution,
    cmdclass={"bdist_wheel": platform_wheel},
)
