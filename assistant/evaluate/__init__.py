"""The grounding evaluation and its tools: the gold questions (`evaluation`), configurations
compared (`experiments`), planted-instruction attacks (`attacks`), reports (`report`) and
threshold calibration on the dev split (`calibration`). They use the library as users do; the
core imports nothing from here.
"""
