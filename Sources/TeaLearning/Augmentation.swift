import Foundation

/// Seeded data augmentation of the training images, applied on the fly to each mini-batch.
///
/// `shift=S` moves each training image by a random whole-pixel offset (dx, dy), each uniform in
/// [-S, S], filling the uncovered pixels with zero. `rotate=D` and `scale=F` add a random rotation
/// by an angle uniform in [-D, D] degrees and a random zoom by a factor uniform in [1 - F, 1 + F],
/// both about the image centre and resampled bilinearly (zero outside the image), before the shift.
/// The draws of an image come from the run's seed, the epoch and the image's index in the training
/// set only, so they are the same for any thread count, any data-parallel split and on `--resume`.
/// Validation and test images are never augmented.
public struct Augmentation: Sendable, Equatable, Codable {
  /// The largest shift in pixels along each axis (0: none).
  public var shift: Int = 0

  /// The largest rotation in degrees either way (0: none).
  public var rotate: Double = 0

  /// The largest relative change of size either way (0: none; 0.1 zooms by 0.9 to 1.1).
  public var scale: Double = 0

  /// The largest `shift` allowed.
  public static let maxShift = 8

  /// The largest `rotate` allowed, in degrees.
  public static let maxRotate = 45.0

  /// The largest `scale` allowed.
  public static let maxScale = 0.5

  /// No augmentation.
  public init() {}

  /// An augmentation with the given largest shift, rotation (degrees) and relative zoom.
  public init(shift: Int, rotate: Double = 0, scale: Double = 0) {
    self.shift = shift
    self.rotate = rotate
    self.scale = scale
  }

  private enum CodingKeys: String, CodingKey { case shift, rotate, scale }

  /// Reads `shift` and, where present, `rotate` and `scale` (files written before those existed
  /// carry only `shift`).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    shift = try c.decodeIfPresent(Int.self, forKey: .shift) ?? 0
    rotate = try c.decodeIfPresent(Double.self, forKey: .rotate) ?? 0
    scale = try c.decodeIfPresent(Double.self, forKey: .scale) ?? 0
  }

  /// Writes `shift`, and `rotate` and `scale` only when they are used, so shift-only runs keep
  /// the files they always had.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(shift, forKey: .shift)
    if rotate != 0 { try c.encode(rotate, forKey: .rotate) }
    if scale != 0 { try c.encode(scale, forKey: .scale) }
  }

  /// Parses `shift=S,rotate=D,scale=F` (any of them, in any order; also `none`).
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
      case "rotate":
        guard let v = Double(kv[1]), v.isFinite, (0...Self.maxRotate).contains(v) else {
          throw InputError(file: source, path: "rotate", message: "'\(kv[1])' is not allowed; use degrees 0...\(Int(Self.maxRotate))")
        }
        rotate = v
      case "scale":
        guard let v = Double(kv[1]), v.isFinite, (0...Self.maxScale).contains(v) else {
          throw InputError(file: source, path: "scale", message: "'\(kv[1])' is not allowed; use a fraction 0...\(Self.maxScale)")
        }
        scale = v
      default:
        throw InputError(file: source, path: kv[0], message: "is not a setting; allowed: shift, rotate, scale")
      }
    }
  }

  /// Whether the augmentation changes any image.
  public var isIdentity: Bool { shift == 0 && rotate == 0 && scale == 0 }

  /// Whether images are resampled (rotated or zoomed), not only moved by whole pixels.
  public var isAffine: Bool { rotate != 0 || scale != 0 }

  /// The spec that parses back to this augmentation (`shift=2`, `shift=2,rotate=10,scale=0.1`, or
  /// `none`).
  public var spec: String {
    if isIdentity { return "none" }
    var parts = ["shift=\(shift)"]
    if rotate != 0 { parts.append("rotate=\(Self.number(rotate))") }
    if scale != 0 { parts.append("scale=\(Self.number(scale))") }
    return parts.joined(separator: ",")
  }

  private static func number(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

  /// The offset of training image `index` in `epoch` (0-based) of the run seeded `seed`.
  public func offset(seed: UInt64, epoch: Int, index: Int) -> (dx: Int, dy: Int) {
    let t = transform(seed: seed, epoch: epoch, index: index)
    return (t.dx, t.dy)
  }

  /// The random transform of one image: the whole-pixel shift, the rotation in degrees and the zoom.
  public struct Transform: Sendable, Equatable {
    public var dx = 0, dy = 0
    public var degrees = 0.0, zoom = 1.0
  }

  /// The transform of training image `index` in `epoch` (0-based) of the run seeded `seed`. The
  /// shift is drawn first, so adding `rotate` or `scale` keeps every image's shift.
  public func transform(seed: UInt64, epoch: Int, index: Int) -> Transform {
    var t = Transform()
    guard !isIdentity else { return t }
    var g = TeaRandom(seed: seed, stream: 0xA06E_0000_0000_0000 ^ (UInt64(epoch) << 32) ^ UInt64(index))
    if shift > 0 {
      let n = 2 * shift + 1
      t.dx = g.below(n) - shift
      t.dy = g.below(n) - shift
    }
    if rotate > 0 { t.degrees = (2 * g.unitDouble() - 1) * rotate }
    if scale > 0 { t.zoom = 1 + (2 * g.unitDouble() - 1) * scale }
    return t
  }

  /// `image` rotated by `degrees` (counter-clockwise as displayed, rows running down) and zoomed by
  /// `zoom` about its centre, then moved right by `dx` and down by `dy` pixels. Each output pixel
  /// samples the input bilinearly at the point the inverse transform maps it to; points outside the
  /// image read zero. With no rotation and no zoom it equals `shifted` exactly.
  public static func warped(
    _ image: ArraySlice<Float>, rows: Int, columns: Int, dx: Int, dy: Int, degrees: Double, zoom: Double
  ) -> [Float] {
    precondition(image.count == rows * columns && zoom > 0)
    if degrees == 0 && zoom == 1 { return shifted(image, rows: rows, columns: columns, dx: dx, dy: dy) }
    var out = [Float](repeating: 0, count: rows * columns)
    let base = image.startIndex
    let cx = Double(columns - 1) / 2, cy = Double(rows - 1) / 2
    let a = degrees * .pi / 180
    let c = cos(a) / zoom, s = sin(a) / zoom
    func pixel(_ r: Int, _ col: Int) -> Double {
      guard r >= 0, r < rows, col >= 0, col < columns else { return 0 }
      return Double(image[base + r * columns + col])
    }
    for r in 0..<rows {
      let v = Double(r - dy) - cy
      for col in 0..<columns {
        let u = Double(col - dx) - cx
        // Inverse of: rotate by a (screen counter-clockwise: x' = x cos + y sin, y' = -x sin + y cos), zoom.
        let x = cx + c * u - s * v
        let y = cy + s * u + c * v
        let x0 = x.rounded(.down), y0 = y.rounded(.down)
        guard x0 >= -1, y0 >= -1, x0 < Double(columns), y0 < Double(rows) else { continue }
        let fx = x - x0, fy = y - y0
        let ix = Int(x0), iy = Int(y0)
        let value = (1 - fy) * ((1 - fx) * pixel(iy, ix) + fx * pixel(iy, ix + 1))
          + fy * ((1 - fx) * pixel(iy + 1, ix) + fx * pixel(iy + 1, ix + 1))
        out[r * columns + col] = Float(value)
      }
    }
    return out
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

  /// The images of `train` at `indices`, each transformed by its draw in `epoch`: a new image set
  /// in batch order (labels kept).
  public func apply(to train: ImageSet, indices: ArraySlice<Int>, seed: UInt64, epoch: Int) -> ImageSet {
    var pixels: [Float] = []
    pixels.reserveCapacity(indices.count * train.pixelsPerImage)
    var labels: [UInt8] = []
    labels.reserveCapacity(indices.count)
    for i in indices {
      let t = transform(seed: seed, epoch: epoch, index: i)
      pixels += Self.warped(
        train.image(i), rows: train.rows, columns: train.columns, dx: t.dx, dy: t.dy, degrees: t.degrees, zoom: t.zoom)
      labels.append(train.labels[i])
    }
    return ImageSet(pixels: pixels, labels: labels, rows: train.rows, columns: train.columns)
  }
}
