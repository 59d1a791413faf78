package words

//go:generate go tool tdc gen words.tdf
