import { lazy } from 'react';
import { createBrowserRouter } from 'react-router';
import { Layout } from '@/components/Layout';
import { RequireRole } from '@/components/RequireRole';
import { HomePage } from '@/routes/storefront/home/HomePage';
import { CategoryPage } from '@/routes/storefront/category/CategoryPage';
import { SearchPage } from '@/routes/storefront/search/SearchPage';
import { ProductPage } from '@/routes/storefront/product/ProductPage';
import { NotFoundPage } from '@/routes/storefront/not-found/NotFoundPage';
import { SignInPage } from '@/routes/account/sign-in/SignInPage';
import { SignUpPage } from '@/routes/account/sign-up/SignUpPage';

// Account, seller and admin screens are their own chunks: a shopper's first load does not carry them.
const AccountPage = lazy(() => import('@/routes/account/profile/AccountPage'));
const SellerProductsPage = lazy(() => import('@/routes/seller/products/SellerProductsPage'));
const ProductEditPage = lazy(() => import('@/routes/seller/product-edit/ProductEditPage'));
const AdminUsersPage = lazy(() => import('@/routes/admin/users/AdminUsersPage'));

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
