extension GoodwillAPI {
    /// Every route the server answers. The OpenAPI document must describe exactly these (a test checks).
    public static let routes: [Route] = PublicRoutes.routes + VoucherRoutes.routes + GoodwillRoutes.routes
        + [HolderRoute.route] + ReminderRoutes.routes + SupportRoutes.routes
}
