/// Seeded data augmentation of the training images, applied on the fly to each mini-batch.
///
/// `shift=S` moves each training image by a random whole-pixel offset (dx, dy), each uniform in
/// [-S, S], filling the uncovered pixels with zero. The offset of an image is drawn from the run's
/// seed, the epoch and the image's index in the training set only, so it is the same for any
/// thread count, any data-parallel split and on `--resume`. Validation and test images are never
/// augmented.
public struct Augmentation: Sendable, Equatable, Codable {
  /// The largest shift in pixels along each axis (0: none).
  public var shift: Int = 0

  /// The largest `shift` allowed.
  public static let maxShift = 8

  /// No augmentation.
  public init() {}

  /// An augmentation with the given largest shift.
  public init(shift: Int) { self.shift = shift }

  /// Parses `shift=S` (also `none`).
  /// - Parameter source: where the spec came from, for messages (the command-line flag).
  /// - Throws: `InputError` naming `source` and the setting that is unknown or out of range.
  public init(parsing spec: String, source: String = "augment") throws(InputError) {
    if spec == "none" { return }
    for part in spec.split(separator: ",", omittingEmptySubsequences: false) {
      let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
      guard kv.count == 2 else {
        throw InputError(file: source, path: String(part), message: "expected KEY=VALUE, e.g. shift=2")
      }
      switch kv[0] {
      case "shift":
        guard let v = Int(kv[1]), (0...Self.maxShift).contains(v) else {
          throw InputError(file: source, path: "shift", message: "'\(kv[1])' is not allowed; use a whole number of pixels 0...\(Self.maxShift)")
        }
        shift = v
      default:
        throw InputError(file: source, path: kv[0], message: "is not a setting; allowed: shift")
      }
    }
  }

  /// Whether the augmentation changes any image.
  public var isIdentity: Bool { shift == 0 }

  /// The spec that parses back to this augmentation (`shift=2`, or `none`).
  public var spec: String { isIdentity ? "none" : "shift=\(shift)" }

  /// The offset of training image `index` in `epoch` (0-based) of the run seeded `seed`.
  public func offset(seed: UInt64, epoch: Int, index: Int) -> (dx: Int, dy: Int) {
    guard shift > 0 else { return (0, 0) }
    var g = TeaRandom(seed: seed, stream: 0xA06E_0000_0000_0000 ^ (UInt64(epoch) << 32) ^ UInt64(index))
    let n = 2 * shift + 1
    let dx = g.below(n) - shift
    let dy = g.below(n) - shift
    return (dx, dy)
  }

  /// `image` (rows x columns, row-major) moved right by `dx` and down by `dy` pixels, the
  /// uncovered pixels zero: `out[r][c] = image[r - dy][c - dx]` where that exists.
  public static func shifted(_ image: ArraySlice<Float>, rows: Int, columns: Int, dx: Int, dy: Int) -> [Float] {
    precondition(image.count == rows * columns)
    var out = [Float](repeating: 0, count: rows * columns)
    let base = image.startIndex
    guard abs(dx) < columns, abs(dy) < rows else { return out }
    for r in max(0, dy)..<min(rows, rows + dy) {
      let sr = r - dy
      for c in max(0, dx)..<min(columns, columns + dx) {
        out[r * columns + c] = image[base + sr * columns + (c - dx)]
      }
    }
    return out
  }

  /// The images of `train` at `indices`, each shifted by its offset in `epoch`: a new image set in
  /// batch order (labels kept).
  public func apply(to train: ImageSet, indices: ArraySlice<Int>, seed: UInt64, epoch: Int) -> ImageSet {
    var pixels: [Float] = []
    pixels.reserveCapacity(indices.count * train.pixelsPerImage)
    var labels: [UInt8] = []
    labels.reserveCapacity(indices.count)
    for i in indices {
      let o = offset(seed: seed, epoch: epoch, index: i)
      pixels += Self.shifted(train.image(i), rows: train.rows, columns: train.columns, dx: o.dx, dy: o.dy)
      labels.append(train.labels[i])
    }
    return ImageSet(pixels: pixels, labels: labels, rows: train.rows, columns: train.columns)
  }
}
