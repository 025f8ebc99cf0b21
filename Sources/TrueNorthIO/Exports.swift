// Errors, JSON and file helpers that TrueNorthIO's API throws and returns, shared with TeaLearning.
@_exported import _TNSupport
