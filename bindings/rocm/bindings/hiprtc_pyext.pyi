from hip.hiprtc_pyext import *
