import { lazy, type ReactNode } from 'react';
import { createBrowserRouter } from 'react-router';
import { Layout } from '@/components/Layout';
import { RequireRole } from '@/components/RequireRole';
import { HomePage } from '@/routes/storefront/home/HomePage';
import { SearchPage } from '@/routes/storefront/search/SearchPage';
import { ProductPage } from '@/routes/storefront/product/ProductPage';

// The app's script carries the pages a first visit most often opens (home, search, product); every
// other screen is a chunk of its own, loaded when it is first shown.
const CategoryPage = lazy(() => import('@/routes/storefront/category/CategoryPage'));
const NotFoundPage = lazy(() => import('@/routes/storefront/not-found/NotFoundPage'));
const SignInPage = lazy(() => import('@/routes/account/sign-in/SignInPage'));
const SignUpPage = lazy(() => import('@/routes/account/sign-up/SignUpPage'));
const ForgotPasswordPage = lazy(() => import('@/routes/account/password-reset/ForgotPasswordPage'));
const ResetPasswordPage = lazy(() => import('@/routes/account/password-reset/ResetPasswordPage'));
const AccountPage = lazy(() => import('@/routes/account/profile/AccountPage'));
const SellerProductsPage = lazy(() => import('@/routes/seller/products/SellerProductsPage'));
const ProductEditPage = lazy(() => import('@/routes/seller/product-edit/ProductEditPage'));
const AdminUsersPage = lazy(() => import('@/routes/admin/users/AdminUsersPage'));
const CartPage = lazy(() => import('@/routes/storefront/cart/CartPage'));
const CheckoutPage = lazy(() => import('@/routes/storefront/checkout/CheckoutPage'));
const ConfirmationPage = lazy(() => import('@/routes/storefront/checkout/ConfirmationPage'));
const FlashSalePage = lazy(() => import('@/routes/storefront/flash-sale/FlashSalePage'));
const OrdersPage = lazy(() => import('@/routes/account/orders/OrdersPage'));
const OrderPage = lazy(() => import('@/routes/account/order/OrderPage'));
const SellerStockPage = lazy(() => import('@/routes/seller/stock/SellerStockPage'));
const SellerImportPage = lazy(() => import('@/routes/seller/import/SellerImportPage'));
const SellerOrdersPage = lazy(() => import('@/routes/seller/orders/SellerOrdersPage'));
const AdminDashboardPage = lazy(() => import('@/routes/admin/dashboard/AdminDashboardPage'));
const AdminFlashSalesPage = lazy(() => import('@/routes/admin/flash-sales/AdminFlashSalesPage'));
const AdminFlashSalePage = lazy(() => import('@/routes/admin/flash-sales/AdminFlashSalePage'));
const AdminOrdersPage = lazy(() => import('@/routes/admin/orders/AdminOrdersPage'));
const AdminFlagsPage = lazy(() => import('@/routes/admin/flags/AdminFlagsPage'));

const SELLER = ['seller', 'admin'] as const;
const ADMIN = ['admin'] as const;
/** A screen for signed-in users (of `roles`, when given). */
function guarded(element: ReactNode, roles?: readonly ('buyer' | 'seller' | 'admin')[]) {
  return <RequireRole roles={roles ? [...roles] : undefined}>{element}</RequireRole>;
}

export const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: '/', element: <HomePage /> },
      { path: '/categories/:slug', element: <CategoryPage /> },
      { path: '/search', element: <SearchPage /> },
      { path: '/products/:slug', element: <ProductPage /> },
      { path: '/sign-in', element: <SignInPage /> },
      { path: '/sign-up', element: <SignUpPage /> },
      { path: '/forgot-password', element: <ForgotPasswordPage /> },
      { path: '/reset-password', element: <ResetPasswordPage /> },
      { path: '/cart', element: <CartPage /> },
      { path: '/flash-sales/:id', element: <FlashSalePage /> },
      { path: '/checkout', element: guarded(<CheckoutPage />) },
      { path: '/orders/:id/confirmation', element: guarded(<ConfirmationPage />) },
      { path: '/account/orders', element: guarded(<OrdersPage />) },
      { path: '/account/orders/:id', element: guarded(<OrderPage />) },
      { path: '/seller/stock', element: guarded(<SellerStockPage />, SELLER) },
      { path: '/seller/import', element: guarded(<SellerImportPage />, SELLER) },
      { path: '/seller/orders', element: guarded(<SellerOrdersPage />, SELLER) },
      { path: '/admin', element: guarded(<AdminDashboardPage />, ADMIN) },
      { path: '/admin/flash-sales', element: guarded(<AdminFlashSalesPage />, ADMIN) },
      { path: '/admin/flash-sales/:id', element: guarded(<AdminFlashSalePage />, ADMIN) },
      { path: '/admin/orders', element: guarded(<AdminOrdersPage />, ADMIN) },
      { path: '/admin/flags', element: guarded(<AdminFlagsPage />, ADMIN) },
      {
        path: '/account',
        element: (
          <RequireRole>
            <AccountPage />
          </RequireRole>
        ),
      },
      {
        path: '/seller/products',
        element: (
          <RequireRole roles={['seller', 'admin']}>
            <SellerProductsPage />
          </RequireRole>
        ),
      },
      {
        path: '/seller/products/new',
        element: (
          <RequireRole roles={['seller', 'admin']}>
            <ProductEditPage />
          </RequireRole>
        ),
      },
      {
        path: '/seller/products/:id/edit',
        element: (
          <RequireRole roles={['seller', 'admin']}>
            <ProductEditPage />
          </RequireRole>
        ),
      },
      {
        path: '/admin/users',
        element: (
          <RequireRole roles={['admin']}>
            <AdminUsersPage />
          </RequireRole>
        ),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
