@main
struct Stepgate {
    static func main() {}
}
