import Foundation
import Testing
@testable import TeaLearning

@Suite struct AugmentationTests {
  /// A 4 x 5 image whose pixel (r, c) is 1 + 10 r + c.
  static let image: [Float] = (0..<4).flatMap { r in (0..<5).map { c in Float(1 + 10 * r + c) } }

  @Test func shiftMovesEveryPixelExactlyAndFillsZero() {
    let out = Augmentation.shifted(Self.image[...], rows: 4, columns: 5, dx: 2, dy: -1)
    let expected: [Float] = [
      0, 0, 11, 12, 13,
      0, 0, 21, 22, 23,
      0, 0, 31, 32, 33,
      0, 0, 0, 0, 0,
    ]
    #expect(out == expected)
    #expect(Augmentation.shifted(Self.image[...], rows: 4, columns: 5, dx: 0, dy: 0) == Self.image)
    let back: [Float] = [
      0, 0, 0, 0, 0,
      2, 3, 4, 5, 0,
      12, 13, 14, 15, 0,
      22, 23, 24, 25, 0,
    ]
    #expect(Augmentation.shifted(Self.image[...], rows: 4, columns: 5, dx: -1, dy: 1) == back)
    #expect(Augmentation.shifted(Self.image[...], rows: 4, columns: 5, dx: 5, dy: 0) == [Float](repeating: 0, count: 20))
  }

  @Test func offsetsCoverTheRangeAndDependOnlyOnSeedEpochAndIndex() {
    let a = Augmentation(shift: 2)
    var seen = Set<[Int]>()
    for i in 0..<2000 {
      let o = a.offset(seed: 9, epoch: 3, index: i)
      #expect((-2...2).contains(o.dx) && (-2...2).contains(o.dy))
      seen.insert([o.dx, o.dy])
      #expect(o == a.offset(seed: 9, epoch: 3, index: i))
    }
    #expect(seen.count == 25)
    let epochs = (0..<50).map { a.offset(seed: 9, epoch: $0, index: 7) }
    #expect(Set(epochs.map { [$0.dx, $0.dy] }).count > 5, "the offset of an image changes from epoch to epoch")
    #expect(Augmentation().offset(seed: 9, epoch: 3, index: 1) == (0, 0))
  }

  @Test func applyShiftsTheBatchImagesInBatchOrder() {
    let set = ImageSet(pixels: Self.image + Self.image.map { -$0 }, labels: [3, 1], rows: 4, columns: 5)
    let a = Augmentation(shift: 1)
    let out = a.apply(to: set, indices: [1, 0][...], seed: 4, epoch: 2)
    #expect(out.labels == [1, 3])
    let o1 = a.offset(seed: 4, epoch: 2, index: 1)
    let o0 = a.offset(seed: 4, epoch: 2, index: 0)
    #expect(Array(out.image(0)) == Augmentation.shifted(set.image(1), rows: 4, columns: 5, dx: o1.dx, dy: o1.dy))
    #expect(Array(out.image(1)) == Augmentation.shifted(set.image(0), rows: 4, columns: 5, dx: o0.dx, dy: o0.dy))
  }

  @Test func parsing() throws {
    #expect(try Augmentation(parsing: "shift=2") == Augmentation(shift: 2))
    #expect(try Augmentation(parsing: "none").isIdentity)
    #expect(Augmentation(shift: 3).spec == "shift=3")
    #expect(try Augmentation(parsing: "scale=0.1,shift=2,rotate=10") == Augmentation(shift: 2, rotate: 10, scale: 0.1))
    #expect(Augmentation(shift: 2, rotate: 10, scale: 0.1).spec == "shift=2,rotate=10,scale=0.1")
    #expect(try Augmentation(parsing: Augmentation(shift: 0, rotate: 7.5).spec) == Augmentation(shift: 0, rotate: 7.5))
    for bad in ["shift=9", "shift=-1", "shift=x", "rotate=46", "rotate=-1", "rotate=nan", "scale=0.6", "scale=inf", "zoom=1", "shift"] {
      #expect(throws: InputError.self) { try Augmentation(parsing: bad) }
    }
    do {
      _ = try Augmentation(parsing: "elastic=5", source: "flag")
      Issue.record("parsed an unknown setting")
    } catch {
      #expect(error.description.hasPrefix("flag: elastic: "))
    }
  }

  /// A 5 x 5 image with every pixel different, so a wrong pixel cannot go unnoticed.
  static let square: [Float] = (0..<25).map { Float($0 + 1) }

  /// `square` turned a quarter counter-clockwise as displayed (rows running down), by hand: the
  /// right column becomes the top row.
  static func quarterTurn(_ a: [Float]) -> [Float] {
    var out = [Float](repeating: 0, count: 25)
    for r in 0..<5 { for c in 0..<5 { out[r * 5 + c] = a[c * 5 + (4 - r)] } }
    return out
  }

  @Test func warpedTurnsScalesAndShifts() {
    let q = Augmentation.warped(Self.square[...], rows: 5, columns: 5, dx: 0, dy: 0, degrees: 90, zoom: 1)
    for (x, y) in zip(q, Self.quarterTurn(Self.square)) { #expect(abs(x - y) < 1e-4) }
    #expect(abs(q[0] - 5) < 1e-4, "top-left now holds the old top-right pixel")
    // No turn, no zoom: exactly the whole-pixel shift.
    #expect(Augmentation.warped(Self.square[...], rows: 5, columns: 5, dx: 1, dy: -2, degrees: 0, zoom: 1)
      == Augmentation.shifted(Self.square[...], rows: 5, columns: 5, dx: 1, dy: -2))
    // A quarter turn then a shift of one column right: the turned image moved, zero at the left.
    let qs = Augmentation.warped(Self.square[...], rows: 5, columns: 5, dx: 1, dy: 0, degrees: 90, zoom: 1)
    let want = Augmentation.shifted(Self.quarterTurn(Self.square)[...], rows: 5, columns: 5, dx: 1, dy: 0)
    for (x, y) in zip(qs, want) { #expect(abs(x - y) < 1e-4) }
    // Zoom 2 about the centre (2, 2): output (r, c) reads input (2 + (r-2)/2, 2 + (c-2)/2), bilinearly.
    let z = Augmentation.warped(Self.square[...], rows: 5, columns: 5, dx: 0, dy: 0, degrees: 0, zoom: 2)
    #expect(abs(z[2 * 5 + 2] - 13) < 1e-5, "the centre stays")
    #expect(abs(z[0] - 7) < 1e-5, "corner (0,0) reads input pixel (1,1)")
    #expect(abs(z[2 * 5 + 3] - 13.5) < 1e-5, "(2,3) reads halfway between input (2,2) and (2,3)")
    // Zoom 1/2: the image shrinks; output corner (0,0) reads input (-2,-2), outside: zero.
    let h = Augmentation.warped(Self.square[...], rows: 5, columns: 5, dx: 0, dy: 0, degrees: 0, zoom: 0.5)
    #expect(h[0] == 0 && abs(h[1 * 5 + 1] - 1) < 1e-5 && abs(h[2 * 5 + 2] - 13) < 1e-5)
  }

  @Test func transformDrawsKeepTheShiftAndStayInRange() {
    let plain = Augmentation(shift: 2)
    let full = Augmentation(shift: 2, rotate: 10, scale: 0.1)
    var degrees: [Double] = []
    var zooms: [Double] = []
    for i in 0..<2000 {
      let t = full.transform(seed: 9, epoch: 3, index: i)
      #expect(t == full.transform(seed: 9, epoch: 3, index: i))
      let o = plain.offset(seed: 9, epoch: 3, index: i)
      #expect(t.dx == o.dx && t.dy == o.dy, "adding rotate and scale keeps the image's shift")
      #expect(abs(t.degrees) <= 10 && abs(t.zoom - 1) <= 0.1)
      degrees.append(t.degrees)
      zooms.append(t.zoom)
    }
    // Uniform draws: both ends of each range are reached, and the means sit near the middle.
    #expect(degrees.min()! < -9.5 && degrees.max()! > 9.5 && abs(degrees.reduce(0, +) / 2000) < 0.5)
    #expect(zooms.min()! < 0.905 && zooms.max()! > 1.095 && abs(zooms.reduce(0, +) / 2000 - 1) < 0.005)
    #expect(Augmentation(shift: 0, rotate: 5).transform(seed: 9, epoch: 3, index: 0).dx == 0)
  }

  @Test func rotateAndScaleAreWrittenOnlyWhenUsed() throws {
    let plain = String(decoding: try JSONEncoder().encode(Augmentation(shift: 2)), as: UTF8.self)
    #expect(plain == #"{"shift":2}"#)
    let full = Augmentation(shift: 2, rotate: 10, scale: 0.1)
    #expect(try JSONDecoder().decode(Augmentation.self, from: JSONEncoder().encode(full)) == full)
    #expect(try JSONDecoder().decode(Augmentation.self, from: Data(#"{"shift":1}"#.utf8)) == Augmentation(shift: 1))
  }

  static func options(threads: Int) -> TrainingOptions {
    var o = TrainerTests.options(threads: threads)
    o.augment = Augmentation(shift: 1, rotate: 10, scale: 0.1)
    return o
  }

  @Test func sameNetworkOnOneThreadAndAllThreads() throws {
    try TrainingOptionChecks.sameNetworkOnOneThreadAndAllThreads(Self.options, option: "augmentation")
  }

  @Test func resumeEqualsTheUninterruptedRun() throws {
    let loaded = try TrainingOptionChecks.resumeEqualsTheUninterruptedRun(Self.options)
    #expect(loaded.options.augment == Augmentation(shift: 1, rotate: 10, scale: 0.1))
  }

  @Test func resumeRefusesOtherAugmentation() throws {
    let train = syntheticSet(count: 50, seed: 1)
    let t = Trainer(options: Self.options(threads: 1), topology: TrainerTests.topology, train: train, validation: train)
    for other in [Augmentation(shift: 2), Augmentation(shift: 1, rotate: 10), Augmentation(shift: 1), nil] {
      var o = Self.options(threads: 1)
      o.augment = other
      do {
        _ = try Trainer(resuming: t.checkpoint, options: o, train: train, validation: train, file: "x.checkpoint")
        Issue.record("resumed with augmentation \(String(describing: other))")
      } catch {
        #expect(error.description.hasPrefix("x.checkpoint: augment: "))
      }
    }
    // No augmentation and shift=0 are the same run.
    var zero = TrainerTests.options(threads: 1)
    zero.augment = Augmentation(shift: 0)
    #expect(zero.firstDifference(from: TrainerTests.options(threads: 1)) == nil)
  }

  @Test func optionsWithoutAugmentationEncodeAsBefore() throws {
    let data = try JSONEncoder().encode(TrainerTests.options(threads: 1))
    #expect(!String(decoding: data, as: UTF8.self).contains("augment"))
    let back = try JSONDecoder().decode(TrainingOptions.self, from: try JSONEncoder().encode(Self.options(threads: 1)))
    #expect(back.augment == Augmentation(shift: 1, rotate: 10, scale: 0.1))
  }
}
