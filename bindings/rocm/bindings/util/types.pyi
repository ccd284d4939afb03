from hip._util.types import *
