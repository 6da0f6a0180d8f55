import { describe, expect, it } from "vitest";
import { bearer, tokenFragment, tokenOf, withTokenInFragment } from "./token";

describe("tokenOf", () => {
  it("reads the fragment first, then an old link's query", () => {
    expect(tokenOf({ search: "", hash: "#token=abc-_1" })).toBe("abc-_1");
    expect(tokenOf({ search: "?token=old", hash: "" })).toBe("old");
    expect(tokenOf({ search: "?token=old", hash: "#token=new" })).toBe("new");
    expect(tokenOf({ search: "?service=3", hash: "" })).toBe("");
    expect(tokenOf({ search: "", hash: "#main" })).toBe("");
  });
  it("decodes what tokenFragment encodes", () => {
    expect(tokenOf({ search: "", hash: tokenFragment("a b&c=d+e") })).toBe("a b&c=d+e");
    expect(tokenFragment("")).toBe("");
    expect(tokenFragment(undefined)).toBe("");
  });
});

describe("withTokenInFragment", () => {
  it("moves the query's token into the fragment and keeps the other parameters", () => {
    expect(withTokenInFragment({ pathname: "/c/x/manage/17", search: "?token=abc", hash: "" }))
      .toBe("/c/x/manage/17#token=abc");
    expect(withTokenInFragment({ pathname: "/c/x/book", search: "?service=3&token=abc&assessment=12", hash: "" }))
      .toBe("/c/x/book?service=3&assessment=12#token=abc");
  });
  it("keeps a fragment token over the query's", () => {
    expect(withTokenInFragment({ pathname: "/c/x/manage/17", search: "?token=old", hash: "#token=new" }))
      .toBe("/c/x/manage/17#token=new");
  });
  it("leaves a URL without a query token alone", () => {
    expect(withTokenInFragment({ pathname: "/c/x/manage/17", search: "", hash: "#token=abc" })).toBeNull();
    expect(withTokenInFragment({ pathname: "/c/x/book", search: "?service=3", hash: "" })).toBeNull();
  });
});

describe("bearer", () => {
  it("makes an Authorization header, or none without a token", () => {
    expect(bearer("abc")).toEqual({ Authorization: "Bearer abc" });
    expect(bearer("")).toEqual({});
  });
});
