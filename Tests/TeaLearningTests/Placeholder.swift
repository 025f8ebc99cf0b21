import Testing
@testable import TeaLearning

