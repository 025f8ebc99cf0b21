import Testing
@testable import TrueNorth
