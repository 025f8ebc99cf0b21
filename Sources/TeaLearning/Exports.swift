// The error, JSON and file helpers that TeaLearning's API throws and uses, shared with TrueNorthIO.
@_exported import _TNSupport
