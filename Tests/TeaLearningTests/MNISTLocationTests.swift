import Foundation
import Testing
@testable import TeaLearning

/// Where MNIST is read from: `--data`, then `$TNSIM_DATA`, then the checkout.
@Suite struct MNISTLocationTests {
  @Test func anExplicitFolderComesFirstThenTheEnvironment() throws {
    #expect(try MNIST.locate("/given", environment: ["TNSIM_DATA": "/env"]) == "/given")
    #expect(try MNIST.locate(nil, environment: ["TNSIM_DATA": "/env"]) == "/env")
  }

  @Test func withoutEitherTheCheckoutIsFound() throws {
    // This package's own data/mnist (make data), found through the library's source path even
    // when the working folder is elsewhere.
    let found = try MNIST.locate(nil, environment: [:])
    #expect(URL(fileURLWithPath: found).standardized.path == URL(fileURLWithPath: mnistDirectory).standardized.path
      || found == MNIST.defaultDirectory)
    #expect(MNIST.checkoutCandidates().contains(URL(fileURLWithPath: mnistDirectory).standardized.path))
  }

  @Test func notFoundNamesAllThreeWaysAndTheFoldersTried() {
    do {
      _ = try MNIST.locate(nil, environment: [:], candidates: ["/no/such/mnist"])
      Issue.record("found MNIST in a folder that does not exist")
    } catch {
      #expect(error.description.contains(MNIST.folderAdvice))
      #expect(error.description.contains("TNSIM_DATA=DIR"))
      #expect(error.description.contains("make data"))
      #expect(error.description.contains("/no/such/mnist"))
    }
  }
}
