import Foundation
import Testing
@testable import TeaLearning

@Suite struct IDXTests {
  let valid = IDXFile(dimensions: [2, 3, 2], data: Array(0..<12))

  @Test func validFileRoundTrips() throws {
    let parsed = try IDXFile.parse(valid.bytes, file: "t")
    #expect(parsed == valid)
    #expect(valid.bytes.prefix(8) == [0, 0, 8, 3, 0, 0, 0, 2])
  }

  @Test(arguments: [
    ("too short", [UInt8]([0, 0]), "magic"),
    ("gzip magic", [UInt8]([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), "magic"),
    ("float type", [UInt8]([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]), "type"),
    ("zero dimensions", [UInt8]([0, 0, 8, 0]), "dimensions"),
    ("truncated header", [UInt8]([0, 0, 8, 3, 0, 0, 0, 2]), "sizes"),
  ])
  func corruptHeaders(name: String, bytes: [UInt8], field: String) {
    #expect(throws: InputError.self, "\(name)") { try IDXFile.parse(bytes, file: "bad.idx") }
    do {
      _ = try IDXFile.parse(bytes, file: "bad.idx")
    } catch {
      #expect(error.file == "bad.idx")
      #expect(error.path == field, "\(name): \(error)")
    }
  }

  @Test func truncatedAndOverlongData() {
    var short = valid.bytes
    short.removeLast()
    var long = valid.bytes
    long.append(0)
    for bytes in [short, long] {
      do {
        _ = try IDXFile.parse(bytes, file: "x")
        Issue.record("accepted \(bytes.count) bytes")
      } catch {
        #expect(error.path == "data")
        #expect(error.description.contains("needs 12"))
      }
    }
  }

  @Test func labelsOutOfRangeAreRejected() {
    let images = IDXFile(dimensions: [1, 2, 2], data: [0, 1, 2, 3]).bytes
    let labels = IDXFile(dimensions: [1], data: [10]).bytes
    do {
      _ = try MNIST.imageSet(images: images, imagesFile: "i", labels: labels, labelsFile: "l")
      Issue.record("accepted label 10")
    } catch {
      #expect(error.description == "l: label[0]: is 10; allowed: 0...9")
    }
  }

  @Test func missingFileSaysRunMakeData() {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tea-missing-\(getpid())").path
    do {
      _ = try MNIST.load(directory: dir)
      Issue.record("loaded from an empty directory")
    } catch {
      #expect(error.file.hasSuffix("train-images-idx3-ubyte"))
      #expect(error.description.contains("run `make data`"))
    }
  }

  /// `loadTest` reads the test set `load` reads, and nothing of the training files: without
  /// them it still loads, and without its own files it names the first one missing.
  @Test func testSetAloneIsTheTestSet() throws {
    let whole = try MNIST.load(directory: mnistDirectory)
    let test = try MNIST.loadTest(directory: mnistDirectory)
    #expect(test.count == 10_000)
    #expect(test.pixels == whole.test.pixels && test.labels == whole.test.labels)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tea-test-only-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    do {
      _ = try MNIST.loadTest(directory: dir.path)
      Issue.record("loaded the test set from an empty directory")
    } catch {
      #expect(error.file.hasSuffix("t10k-images-idx3-ubyte"))
    }
    for name in ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
      try FileManager.default.copyItem(atPath: mnistDirectory + "/" + name, toPath: dir.appendingPathComponent(name).path)
    }
    #expect(try MNIST.loadTest(directory: dir.path).labels == test.labels)
  }

  @Test func corruptFileFailsTheDigest() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tea-corrupt-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try Data(IDXFile(dimensions: [1, 28, 28], data: [UInt8](repeating: 0, count: 784)).bytes)
      .write(to: dir.appendingPathComponent("train-images-idx3-ubyte"))
    do {
      _ = try MNIST.load(directory: dir.path)
      Issue.record("accepted a file with the wrong digest")
    } catch {
      #expect(error.path == "SHA-256")
      #expect(error.description.contains("expected ba891046"))
      #expect(error.description.contains("make data"))
    }
  }

  @Test func seededSplitIsDisjointAndRepeatable() {
    let set = ImageSet(pixels: (0..<100).map { Float($0) }, labels: (0..<100).map { UInt8($0 % 10) }, rows: 1, columns: 1)
    let a = set.split(validationCount: 30, seed: 5)
    let b = set.split(validationCount: 30, seed: 5)
    let c = set.split(validationCount: 30, seed: 6)
    #expect(a.train.count == 70 && a.validation.count == 30)
    #expect(a.train.pixels == b.train.pixels && a.validation.pixels == b.validation.pixels)
    #expect(a.validation.pixels != c.validation.pixels)
    #expect(Set(a.train.pixels + a.validation.pixels).count == 100)
  }
}
