export { columnarCodec, columnarCodecWith, ColumnarRecordError, type ColumnarHeader } from "./columnarCodec.js";
export { DictionaryGapError, MAX_DICTIONARY, type StringPolicy } from "./strings.js";
