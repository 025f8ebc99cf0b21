import Foundation

/// A set of labelled images: pixels scaled to [0, 1] (grey level / 255), row-major, one image
/// after the other, so that a pixel is directly the spike probability of its input.
public struct ImageSet: Sendable {
  /// `count * pixelsPerImage` pixels in [0, 1].
  public var pixels: [Float]
  /// One label per image, `0..<classes`.
  public var labels: [UInt8]
  /// Rows of an image (28 for MNIST).
  public var rows: Int
  /// Columns of an image (28 for MNIST).
  public var columns: Int

  /// Creates a set; `pixels.count` must be `labels.count * rows * columns`.
  public init(pixels: [Float], labels: [UInt8], rows: Int, columns: Int) {
    precondition(pixels.count == labels.count * rows * columns, "pixels do not match labels x rows x columns")
    self.pixels = pixels
    self.labels = labels
    self.rows = rows
    self.columns = columns
  }

  /// The number of images.
  public var count: Int { labels.count }
  /// Pixels per image.
  public var pixelsPerImage: Int { rows * columns }

  /// The pixels of image `i`.
  public func image(_ i: Int) -> ArraySlice<Float> {
    pixels[(i * pixelsPerImage)..<((i + 1) * pixelsPerImage)]
  }

  /// The images at `indices`, in that order.
  public func subset<S: Sequence>(_ indices: S) -> ImageSet where S.Element == Int {
    var p: [Float] = []
    var l: [UInt8] = []
    for i in indices {
      p.append(contentsOf: image(i))
      l.append(labels[i])
    }
    return ImageSet(pixels: p, labels: l, rows: rows, columns: columns)
  }

  /// A seeded split into a training set and a validation set of `validationCount` images: a
  /// random permutation of the images (from `seed`); the first `validationCount` validate.
  /// Both parts keep the original order of their images.
  public func split(validationCount: Int, seed: UInt64) -> (train: ImageSet, validation: ImageSet) {
    let n = min(max(validationCount, 0), count)
    var g = TeaRandom(seed: seed, stream: 0x5ba1_1d)
    let p = g.permutation(count)
    let validation = p[..<n].sorted()
    let train = p[n...].sorted()
    return (subset(train), subset(validation))
  }
}

/// The MNIST database: 60,000 training and 10,000 test images of 28 x 28 pixels.
public struct MNIST: Sendable {
  /// The 60,000 training images.
  public var train: ImageSet
  /// The 10,000 test images.
  public var test: ImageSet

  /// The four files and the SHA-256 of their decompressed content (the original distribution's).
  public static let files: [(name: String, sha256: String)] = [
    ("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    ("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    ("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    ("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
  ]

  /// The directory `make data` fills: `data/mnist`.
  public static let defaultDirectory = "data/mnist"

  /// The environment variable naming a folder of the decompressed MNIST files.
  public static let environmentVariable = "TNSIM_DATA"

  /// The words of an error that ask for the folder; a command line puts its flag in their place.
  public static let folderAdvice = "give the folder of the decompressed files"

  /// The folder MNIST is read from: `explicit` (the command line's `--data DIR`) when given, else
  /// `$TNSIM_DATA` when set, else the first of `./data/mnist` and the `data/mnist` of the tnsim
  /// checkout (the one this library was built from, or the one the executable sits in) that holds
  /// the four files.
  ///
  /// - Parameters:
  ///   - explicit: a folder the user named; returned as it is (`load` then names a missing file).
  ///   - environment: the process environment (a parameter for tests).
  /// - Returns: the folder to pass to `load(directory:)`.
  /// - Throws: `InputError` when neither is given and no checkout holds the files, naming the
  ///   three ways to say where MNIST is and the folders tried.
  public static func locate(
    _ explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(InputError) -> String {
    try locate(explicit, environment: environment, candidates: checkoutCandidates())
  }

  /// `locate` over the given checkout folders (the tests' seam).
  static func locate(_ explicit: String?, environment: [String: String], candidates: [String]) throws(InputError) -> String {
    if let explicit { return explicit }
    if let env = environment[environmentVariable], !env.isEmpty { return env }
    for dir in candidates where files.allSatisfy({ FileManager.default.fileExists(atPath: dir + "/" + $0.name) }) {
      return dir
    }
    throw InputError(
      file: defaultDirectory, field: "data",
      message: "MNIST not found: \(folderAdvice), set \(environmentVariable)=DIR, or run `make data` in the tnsim checkout "
        + "(tried \(candidates.joined(separator: ", ")))")
  }

  /// `./data/mnist`, then `data/mnist` in the checkout this source file was compiled from and
  /// in the folders above the executable (`<checkout>/.build/<config>/tnsim`).
  static func checkoutCandidates() -> [String] {
    var paths = [defaultDirectory]
    // #filePath is <checkout>/Sources/TeaLearning/MNIST.swift: also right for a package that
    // depends on tnsim by path.
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    paths.append(source.appendingPathComponent(defaultDirectory).path)
    let executable = Bundle.main.executablePath ?? CommandLine.arguments.first ?? "."
    var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
      paths.append(dir.appendingPathComponent(defaultDirectory).path)
      dir = dir.deletingLastPathComponent()
    }
    var seen = Set<String>()
    return paths.filter { seen.insert($0).inserted }
  }

  /// Loads MNIST from the folder `locate(explicit)` finds.
  /// - Throws: `InputError` from `locate` or `load(directory:)`.
  public static func load(locating explicit: String?) throws(InputError) -> MNIST {
    try load(directory: try locate(explicit))
  }

  /// Loads and verifies the four decompressed IDX files in `directory`.
  ///
  /// - Parameter directory: where `make data` put the files (default `data/mnist`).
  /// - Throws: `InputError` naming the file when it is missing, unreadable, has the wrong
  ///   SHA-256 or a malformed IDX header, with the fix (`run make data`).
  public static func load(directory: String = defaultDirectory) throws(InputError) -> MNIST {
    MNIST(train: try set(directory: directory, images: 0, labels: 1), test: try set(directory: directory, images: 2, labels: 3))
  }

  /// Loads and verifies only the 10,000 test images (the t10k files), what evaluating a network
  /// needs: without the 60,000 training images' 188 MB of pixels.
  /// - Throws: as `load(directory:)` does.
  public static func loadTest(directory: String = defaultDirectory) throws(InputError) -> ImageSet {
    try set(directory: directory, images: 2, labels: 3)
  }

  /// Loads the test images from the folder `locate(explicit)` finds.
  /// - Throws: `InputError` from `locate` or `loadTest(directory:)`.
  public static func loadTest(locating explicit: String?) throws(InputError) -> ImageSet {
    try loadTest(directory: try locate(explicit))
  }

  /// The image set of `files[images]` and `files[labels]` in `directory`, both verified.
  static func set(directory: String, images: Int, labels: Int) throws(InputError) -> ImageSet {
    let paths = [images, labels].map { (directory as NSString).appendingPathComponent(files[$0].name) }
    let imageBytes = try readVerified(path: paths[0], sha256: files[images].sha256)
    let labelBytes = try readVerified(path: paths[1], sha256: files[labels].sha256)
    return try imageSet(images: imageBytes, imagesFile: paths[0], labels: labelBytes, labelsFile: paths[1])
  }

  /// Reads a file and checks its SHA-256.
  static func readVerified(path: String, sha256: String) throws(InputError) -> [UInt8] {
    guard FileManager.default.fileExists(atPath: path) else {
      throw InputError(file: path, field: "data", message: "MNIST file is missing; run `make data` in the tnsim checkout (it decompresses data/mnist/*.gz), "
        + "or \(folderAdvice) or set \(environmentVariable)=DIR")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw InputError(file: path, message: "cannot read the MNIST file; check its permissions or run `make data`")
    }
    let bytes = [UInt8](data)
    let digest = SHA256.hex(bytes)
    guard digest == sha256 else {
      throw InputError(
        file: path, path: "SHA-256",
        message: "is \(digest), expected \(sha256): the file is corrupt or truncated; delete it and run `make data`")
    }
    return bytes
  }

  static func imageSet(images: [UInt8], imagesFile: String, labels: [UInt8], labelsFile: String) throws(InputError)
    -> ImageSet
  {
    let im = try IDXFile.parse(images, file: imagesFile)
    let lb = try IDXFile.parse(labels, file: labelsFile)
    guard im.dimensions.count == 3 else {
      throw InputError(file: imagesFile, path: "dimensions", message: "has \(im.dimensions.count), expected 3 (count, rows, columns)")
    }
    guard lb.dimensions.count == 1 else {
      throw InputError(file: labelsFile, path: "dimensions", message: "has \(lb.dimensions.count), expected 1 (count)")
    }
    guard im.dimensions[0] == lb.dimensions[0] else {
      throw InputError(
        file: labelsFile, path: "count", message: "is \(lb.dimensions[0]) but \(imagesFile) holds \(im.dimensions[0]) images")
    }
    for (i, l) in lb.data.enumerated() where l > 9 {
      throw InputError(file: labelsFile, path: "label[\(i)]", message: "is \(l); allowed: 0...9")
    }
    let scale: Float = 1 / 255
    return ImageSet(pixels: im.data.map { Float($0) * scale }, labels: lb.data, rows: im.dimensions[1], columns: im.dimensions[2])
  }
}

/// An IDX file of unsigned bytes (the MNIST format): big-endian magic `0x0000 08 D` (type 0x08 =
/// unsigned byte, D dimensions), D big-endian 32-bit sizes, then the data.
public struct IDXFile: Sendable, Equatable {
  /// The sizes of the dimensions, outermost first.
  public var dimensions: [Int]
  /// The product of the dimensions, in row-major order.
  public var data: [UInt8]

  /// Parses an IDX file of unsigned bytes.
  /// - Throws: `InputError` naming `file` and the header field that is wrong.
  public static func parse(_ bytes: [UInt8], file: String) throws(InputError) -> IDXFile {
    func u32(_ at: Int) -> Int {
      Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
    }
    guard bytes.count >= 4 else {
      throw InputError(file: file, path: "magic", message: "file has \(bytes.count) bytes, too short for an IDX header; run `make data`")
    }
    guard bytes[0] == 0, bytes[1] == 0 else {
      throw InputError(file: file, path: "magic", message: "starts with \(bytes[0]), \(bytes[1]); an IDX file starts with 0, 0 (is it still gzip-compressed? run `make data`)")
    }
    guard bytes[2] == 0x08 else {
      throw InputError(file: file, path: "type", message: "is 0x\(String(bytes[2], radix: 16)); allowed: 0x08 (unsigned byte)")
    }
    let d = Int(bytes[3])
    guard (1...4).contains(d) else {
      throw InputError(file: file, path: "dimensions", message: "is \(d); allowed: 1...4")
    }
    guard bytes.count >= 4 + 4 * d else {
      throw InputError(file: file, path: "sizes", message: "header truncated: \(bytes.count) bytes, need \(4 + 4 * d)")
    }
    var dims: [Int] = []
    var total = 1
    for k in 0..<d {
      let n = u32(4 + 4 * k)
      dims.append(n)
      let (t, overflow) = total.multipliedReportingOverflow(by: n)
      guard !overflow, t <= 1 << 32 else {
        throw InputError(file: file, path: "size[\(k)]", message: "\(n) makes the data too large")
      }
      total = t
    }
    let start = 4 + 4 * d
    guard bytes.count == start + total else {
      throw InputError(
        file: file, path: "data",
        message: "has \(bytes.count - start) bytes, the header \(dims.map(String.init).joined(separator: " x ")) needs \(total) (truncated or corrupt; run `make data`)")
    }
    return IDXFile(dimensions: dims, data: Array(bytes[start...]))
  }

  /// The file's bytes (header and data), for writing test files.
  public var bytes: [UInt8] {
    var out: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
    for n in dimensions {
      for k in (0..<4).reversed() { out.append(UInt8(truncatingIfNeeded: n >> (8 * k))) }
    }
    return out + data
  }
}
